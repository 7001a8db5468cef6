/** Netfilter dump parsing: iptables-save / iptables -S / iptables-restore, nft text and nft JSON. */
export { tokenize, tokenizeWithPositions, quoteArg, type Token } from './tokenize';
export { parseIptablesSave, parseRule, parseRuleLine, type ParsedRuleLine } from './iptables-parse';
export { formatRule, formatIptablesSave, type FormatRuleOptions } from './iptables-print';
export { BUILTIN_CHAINS, KNOWN_MATCH_MODULES, isBuiltinChain } from './iptables-modules';
export { parseNftText, parseNftTextDetailed, type NftTextParseResult } from './nft-text-parse';
export { parseNftJson, isIptablesNftTable } from './nft-json-parse';
export { renderStatement, renderExpr } from './nft-json-render';
export { detectRulesetFormat, parseRulesetText, type RulesetFormat, type ParsedRuleset } from './detect';
/** Rule explanations: role, origin and a plain sentence naming the host's objects. */
export { explainIptablesRule, explainChainPolicy, ruleShape } from './explain';
export { explainNftRule, parseNftStatements, type NftParsed } from './explain-nft';
export { explainContext, emptyContext, forNamespace } from './explain-context';
export { describeMatches, describeTarget, genericSentence, Namer, type RuleWords } from './describe-match';
export type { ExplainContext, NamedObject, RuleExplanation, RuleOrigin, RuleRole } from './explain-types';

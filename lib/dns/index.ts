export { containerDns, parseHosts, parseResolvConf, type FileText, type HostsEntry, type ResolvConf } from './files';
export { EMBEDDED_DNS, hasEmbeddedDns, resolveName, type NameResolution } from './resolve';

export { labSnapshot, DB, DB_NS, HOST_NS, WEB, WEB_NS } from '../firewall/test-fixture.test-helper';

export const API = 'bfe26fd0ee7b99b40c283a70c098cfaf8acd806279416826f8829922cb76a891';
export const API_NS = 'netns:4026532261';
export const WORKER = '37bae246d7a53e11db116f5ddb3fc2ff1aaf1fa87bb2786efe226528041b693d';
export const SIDECAR = '8ccfe22a183159e7031ace9779e42843c6e8ade63fc9b596818adfe74b118dbd';
export const HOSTNET = 'fe399dd01d5a2ebf8c97f1b7280d07b6d12d31a8e20c7e4e2306329165f015b1';
export const NONE = 'd063914937694423a3ad88dd8e95c50c2ffc24b3b0287d48a22d7452aed5d53c';

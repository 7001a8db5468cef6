import type { Snapshot } from '@/lib/snapshot/schema';
import { resolveQuery, type QueryField, type QueryResolution } from '@/lib/sim/query';
import type { Protocol } from '@/lib/sim/types';

/**
 * The custom packet-path form's fields, read by the one query grammar (lib/sim/query.ts) that `netatlas trace`
 * also uses: the form adds only its own port and protocol fields, which must agree with what `to` says.
 */

export interface CustomForm {
  from: string;
  to: string;
  /** Empty: take it from the destination (`…:80`). */
  port: string;
  /** Empty: take it from the destination (`…/udp`), else tcp. */
  protocol: Protocol | '';
}

export type Field = QueryField;

export function formQuery(s: Snapshot, form: CustomForm): QueryResolution {
  return resolveQuery(s, form);
}

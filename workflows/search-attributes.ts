import { defineSearchAttributeKey } from '@temporalio/common';

// Registered on the dev server by scripts/stack.sh (--search-attribute NAME=Keyword) and on a full server by the
// compose setup job; they let the Temporal Web UI filter runs by org, kind, name and status.
export const DISPATCH_ORG = defineSearchAttributeKey('DispatchOrg', 'KEYWORD');
export const DISPATCH_KIND = defineSearchAttributeKey('DispatchKind', 'KEYWORD');
export const DISPATCH_NAME = defineSearchAttributeKey('DispatchName', 'KEYWORD');
export const DISPATCH_STATUS = defineSearchAttributeKey('DispatchStatus', 'KEYWORD');

export const ALL_SEARCH_ATTRIBUTES = [DISPATCH_ORG, DISPATCH_KIND, DISPATCH_NAME, DISPATCH_STATUS];

/** The four attributes every run of the service carries, so the Web UI can filter by them. */
export const searchAttributesFor = (kind: string, org: string, name: string, status: string) => [
  { key: DISPATCH_ORG, value: org },
  { key: DISPATCH_KIND, value: kind },
  { key: DISPATCH_NAME, value: name },
  { key: DISPATCH_STATUS, value: status },
];

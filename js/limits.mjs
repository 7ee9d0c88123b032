/** Response bodies larger than this are refused unread (a vault never sends them). */
export const MAX_RESPONSE_BYTES = 16 << 20;

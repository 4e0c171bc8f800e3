// CIDR and address arithmetic, shared with the collectors.
export * from '../../util/net.js';

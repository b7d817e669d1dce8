// Shims for the test environments. Nothing in the suite may reach a real host: outbound connections to anything
// but loopback are refused for the whole test process.
import { blockExternalNetwork } from '../tools/offline';

process.env.FACEID_TEST = '1';
blockExternalNetwork();

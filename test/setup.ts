// Shims for the test environments. Nothing in the suite may reach a real host: outbound connections to anything
// but loopback are refused for the whole test process.
import { blockExternalNetwork } from '../pipeline/offline';

process.env.FACEID_TEST = '1';
// Cloud-function logs stay out of the test output; test/server/privacy.test.ts turns them on to inspect them.
process.env.FACEID_LOG = 'off';
blockExternalNetwork();

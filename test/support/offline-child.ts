// Preloaded into child processes the tests start: they too may only reach loopback.
import { blockExternalNetwork } from '../../pipeline/offline';

blockExternalNetwork();

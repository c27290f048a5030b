// Sign-in for the client-under-test: the host's own HostOAuthProvider with
// credentials in memory, and an AuthorizationFlow that does what the browser
// would: request the authorization URL and read the redirect's query (the
// suite's authorization server redirects at once, without a login page).
import { HostOAuthProvider } from '../../src/host/auth/oauthProvider';
import type { AuthorizationFlow } from '../../src/host/auth/types';
import { MemorySecretStore } from '../../src/host/auth/memorySecretStore';
import type { ConnectionDeps } from '../../src/host/connection';

/** The redirect URI the suite's example clients register too. */
const REDIRECT_URL = 'http://localhost:3000/callback';
/** The suite's CIMD scenarios accept this client id URL. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

const browserLikeFlow: AuthorizationFlow = {
  redirectUrl: REDIRECT_URL,
  async authorize(url, signal) {
    const response = await fetch(url, { redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (!location) throw new Error(`the authorization endpoint answered ${response.status} without a redirect`);
    const target = new URL(location, url);
    if (`${target.origin}${target.pathname}` !== REDIRECT_URL) throw new Error(`redirected elsewhere: ${target.origin}${target.pathname}`);
    return target.searchParams;
  },
};

/** The `auth` dependency of McpConnection for the conformance client. */
export function conformanceAuth(serverUrl: string, ctx: Record<string, unknown>): Pick<ConnectionDeps, 'auth'> {
  const clientId = typeof ctx.client_id === 'string' ? ctx.client_id : undefined;
  const clientSecret = typeof ctx.client_secret === 'string' ? ctx.client_secret : undefined;
  // The entry a person would write for a machine-to-machine server: grant client_credentials,
  // with the secret or the signing key the scenario hands out.
  const machine = typeof ctx.name === 'string' && ctx.name.startsWith('auth/client-credentials');
  const privateKey = typeof ctx.private_key_pem === 'string' ? { pem: ctx.private_key_pem, alg: typeof ctx.signing_algorithm === 'string' ? ctx.signing_algorithm : 'ES256' } : undefined;
  // Enterprise-managed authorization (SEP-990): the entry names the IdP and the
  // pre-registered client; the person already signed in to the IdP, whose ID
  // token the scenario hands out (its IdP has no login page to drive).
  const idp = typeof ctx.idp_issuer === 'string' && typeof ctx.idp_client_id === 'string' ? { issuer: ctx.idp_issuer, clientId: ctx.idp_client_id, ...(typeof ctx.idp_token_endpoint === 'string' && { tokenEndpoint: ctx.idp_token_endpoint }) } : undefined;
  const idToken = typeof ctx.idp_id_token === 'string' ? ctx.idp_id_token : undefined;
  const store = new MemorySecretStore();
  return {
    auth: async () => {
      const provider = new HostOAuthProvider({
        server: 'conformance',
        serverUrl,
        store,
        flow: browserLikeFlow,
        clientName: 'mcp-approval-host-conformance',
        clientId,
        clientSecret,
        clientMetadataUrl: CLIENT_METADATA_URL,
        ...(machine && { grant: 'client_credentials' as const, privateKey }),
        ...(idp && { grant: 'enterprise' as const, enterpriseIdp: idp }),
      });
      if (idToken !== undefined) await provider.enterprise?.saveIdToken(idToken);
      // A person started this run: signing in may open the "browser".
      provider.interactive = true;
      return provider;
    },
  };
}

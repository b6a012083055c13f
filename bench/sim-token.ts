/**
 * A bearer value for a running simulator, fetched as the client finds it (the root document's login link, client
 * credentials), for bench scripts that send requests without the client. Its cost is not theirs to measure.
 */
export async function simAuthorization(api: string, clientId: string, clientSecret: string): Promise<string> {
  const info = (await (await fetch(`${api}/`)).json()) as {
    links: { login?: { href: string }; uaa: { href: string } };
  };
  const uaa = (info.links.login ?? info.links.uaa).href;
  const token = (await (
    await fetch(`${uaa}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    })
  ).json()) as { access_token: string };
  return `bearer ${token.access_token}`;
}

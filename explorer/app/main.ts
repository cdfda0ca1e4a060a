/** The explorer page: GraphiQL on the hub's `/graphql`, with the development sign-in while the hub is its own issuer. */
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './explorer.css';
import { createDevSignInPlugin } from './devSignInPlugin';
import { EXPLORER_SETTINGS_ID, type ExplorerSettings } from './explorerSettings';
import { createHubFetcher } from './createHubFetcher';
import { createElement, createRoot } from './react';
import { setupMonacoWorkers } from './setupMonacoWorkers';

const settings = JSON.parse(document.getElementById(EXPLORER_SETTINGS_ID)?.textContent ?? '{}') as ExplorerSettings;
setupMonacoWorkers(settings.assetsPath);

let signedInHeaders: Readonly<Record<string, string>> = {};
const fetcher = createHubFetcher({ graphqlPath: settings.graphqlPath, fallbackHeaders: () => signedInHeaders });
const devSignIn = settings.devSignIn && createDevSignInPlugin({ ...settings.devSignIn, onSignedIn: (headers) => (signedInHeaders = headers) });

const root = document.getElementById('explorer');
if (!root) throw new Error('the page has no #explorer element');
createRoot(root).render(
  createElement(GraphiQL, {
    fetcher,
    plugins: devSignIn ? [devSignIn] : [],
    ...(devSignIn ? { visiblePlugin: devSignIn, defaultEditorToolsVisibility: 'headers' } : {}),
    defaultQuery: '# Sign in (development: the ID panel on the left; otherwise put your token in the headers\n# below as {"Authorization": "Bearer …"}), then run this with Ctrl-Enter.\n{\n  incidents(first: 5) {\n    edges { node { id } }\n  }\n}\n',
    shouldPersistHeaders: false,
  }),
);

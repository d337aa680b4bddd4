package playground

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Tab is one of the playground's starting editor tabs.
type Tab struct {
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// DefaultTabs are the examples a first visit opens on (GraphiQL keeps the
// user's own tabs afterwards): the README's first query, an onboarding
// sequence, an analyst's exploration (which needs the analyst role), and
// a subscription. The page is the same for every caller.
var DefaultTabs = []Tab{
	{Query: `# Your data across providers: run with the ▶ button (Ctrl-Enter).
query Overview {
  me {
    summary { byCurrency { currency cash investments liabilities net } }
    credentials(first: 5) {
      nodes {
        id
        provider
        institution { name }
        status { pending requiredActions products { product sync fetchedAt } }
        accounts(first: 10) {
          nodes {
            iban balance currency
            transactions(first: 5) { totalCount nodes { operationDate amount description } }
          }
        }
      }
    }
  }
}
`},
	{Query: `# Onboarding: connect a bank through a provider's session of steps.
# 1. Pick a skill, 2. start a session, 3. submit its current step; a
# REDIRECT step answers a bank URL for the user, after which the session
# completes by itself (or with completeOnboardingSession).
query Skills {
  skills { id name type steps { name kind } }
}

mutation Start($skill: ID!) {
  startOnboardingSession(skill: $skill) { id status currentStep { name kind } }
}

mutation Submit($session: ID!, $step: String!) {
  submitOnboardingStep(sessionId: $session, step: $step) { id status redirect { method url } }
}
`, Variables: `{ "skill": "paste an id from Skills", "session": "paste the session id", "step": "sca" }`},
	{Query: `# Analysts: these need a token with the analyst (or admin) role; the
# demo token is a plain user's and gets FORBIDDEN. In development, mint one
# with  fingraph token --user ana --role analyst  and use it as the bearer
# token in the headers editor below. Every read of a user's data is recorded in
# the access trail (accessLog, admins).
query UsersInTrouble {
  users(first: 20, filter: { state: ERRORED }) {
    totalCount
    nodes { id lastSeenAt credentials { provider state count } }
  }
  analytics { credentialsHealth { provider state count } }
}

# Monthly spending by category, per currency (never added together).
query MonthlySpending {
  analytics {
    transactionTotals(groupBy: [PERIOD, CATEGORY], period: MONTH, filter: { direction: OUT }) {
      period category currency count total
    }
  }
}

# One user's own view, as they see it with me.
query OneUser($id: ID!) {
  user(id: $id) {
    summary { byCurrency { currency cash investments liabilities net } }
    credentials(first: 5) { nodes { provider institution { name } status { pending requiredActions } } }
    transactions(first: 10) { nodes { operationDate amount description category } }
  }
}
`, Variables: `{ "id": "sandbox-user-01" }`},
	{Query: `# Pushed changes: run this, then refresh credentials in another tab
# (mutation { refreshCredentials(id: "...") { id } }) and watch the events.
subscription Sync {
  syncCompleted { product at credentials { id provider institution { name } } }
}
`},
}

// injectTabs adds the default tabs to the GraphiQL props of gqlgen's page.
// The anchor is checked by a test, so a gqlgen upgrade that changes the
// page fails loudly instead of losing the tabs.
func injectTabs(page []byte, tabs []Tab) ([]byte, error) {
	anchor := []byte("plugins: plugins,")
	if bytes.Count(page, anchor) != 1 {
		return nil, fmt.Errorf("playground: the GraphiQL page has no single %q to add tabs after", anchor)
	}
	js, err := json.Marshal(tabs)
	if err != nil {
		return nil, err
	}
	// json.Marshal escapes <, > and & so the data cannot close the script.
	return bytes.Replace(page, anchor, append(append([]byte("plugins: plugins, defaultTabs: "), js...), ','), 1), nil
}

// staleNameGuard is the fetcher wrapper injectFetcherGuard puts in front
// of GraphiQL's fetcher. GraphiQL 4.1.2 can send the operation name of an
// example tab with a request whose text no longer defines it (a new tab,
// or the text replaced faster than its reparse), and the server must then
// refuse the request ("operation Overview not found"). A name that no
// operation of the text carries is dropped, so the text's only operation
// runs; the server still refuses a document with several operations and
// no name.
const staleNameGuard = `function keepKnownName(fetch) {
        return function (params, opts) {
          const name = params && params.operationName;
          if (name && /^[_A-Za-z][_0-9A-Za-z]*$/.test(name) && typeof params.query === 'string') {
            const re = new RegExp('\\b(query|mutation|subscription)\\s+' + name + '\\b');
            if (!re.test(params.query)) {
              params = Object.assign({}, params);
              delete params.operationName;
            }
          }
          return fetch(params, opts);
        };
      }
      const fetcher = keepKnownName(GraphiQL.createFetcher(`

// injectFetcherGuard wraps the page's fetcher in staleNameGuard. Like
// injectTabs, it fails when gqlgen's page no longer has its anchor.
func injectFetcherGuard(page []byte) ([]byte, error) {
	anchor := []byte("const fetcher = GraphiQL.createFetcher(")
	end := []byte("headers: fetcherHeaders });")
	if bytes.Count(page, anchor) != 1 || bytes.Count(page, end) != 1 {
		return nil, fmt.Errorf("playground: the GraphiQL page has no single %q to wrap", anchor)
	}
	page = bytes.Replace(page, anchor, []byte(staleNameGuard), 1)
	return bytes.Replace(page, end, []byte("headers: fetcherHeaders }));"), 1), nil
}

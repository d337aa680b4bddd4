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
// sequence, and a subscription.
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

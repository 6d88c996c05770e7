package providers

import "time"

// DocumentLink is a credential-free download link for a document
// (DocumentLinker).
type DocumentLink struct {
	URL string
	// ExpireTime is when URL stops working, where the provider says; zero =
	// not said.
	ExpireTime time.Time
}

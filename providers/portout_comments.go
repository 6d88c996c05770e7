package providers

import "context"

// PortOutCommenter is implemented by providers with comments on port-outs
// (OpListPortOutComments, OpCreatePortOutComment).
type PortOutCommenter interface {
	// ListPortOutComments returns every comment, oldest first; CodeNotFound
	// for an unknown port-out.
	ListPortOutComments(ctx context.Context, portOutID string) ([]Comment, error)
	CreatePortOutComment(ctx context.Context, portOutID, body string) (*Comment, error)
}

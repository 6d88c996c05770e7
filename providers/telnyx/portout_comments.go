package telnyx

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/portgate/portgate/providers"
)

var _ providers.PortOutCommenter = (*Provider)(nil)

func portOutCommentCtx(op string) errCtx {
	ec := portOutCtx(op)
	ec.pointers = func(ptr string) string {
		if ptr == "/body" {
			return "comment.body"
		}
		return ""
	}
	return ec
}

// ListPortOutComments implements providers.PortOutCommenter with
// GET /portouts/{id}/comments (every page, oldest first). The records
// (PortoutComment: id, body, user_id, created_at) decode like port order
// comments.
func (p *Provider) ListPortOutComments(ctx context.Context, id string) ([]providers.Comment, error) {
	if err := PortOutID.Check(Name, "port-out", id); err != nil {
		return nil, err
	}
	return p.comments(ctx, portOutPath(id)+"/comments", portOutCommentCtx("list port-out comments"))
}

// CreatePortOutComment implements providers.PortOutCommenter with
// POST /portouts/{id}/comments {body}.
func (p *Provider) CreatePortOutComment(ctx context.Context, id, body string) (*providers.Comment, error) {
	if err := PortOutID.Check(Name, "port-out", id); err != nil {
		return nil, err
	}
	var out struct {
		Data json.RawMessage `json:"data"`
	}
	if err := p.call(ctx, http.MethodPost, portOutPath(id)+"/comments", nil, map[string]any{"body": body}, &out,
		portOutCommentCtx("create port-out comment")); err != nil {
		return nil, err
	}
	return decodeComment(out.Data)
}

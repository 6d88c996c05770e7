package telnyx

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/portgate/portgate/providers"
)

// wireRequirement is a RequirementDetail (reference: `GET …/requirements`).
type wireRequirement struct {
	FieldType         string  `json:"field_type"`
	FieldValue        *string `json:"field_value"`
	RequirementStatus string  `json:"requirement_status"`
	RequirementType   struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"requirement_type"`
}

type wireFOCWindow struct {
	StartedAt *string `json:"started_at"`
	EndedAt   *string `json:"ended_at"`
}

// requirementStatus maps Telnyx's requirement_status (an open set; the
// porting phone number's requirements_status uses the requirement-info-*
// spellings) to the neutral status. Without a status, a value on file is
// under review and none is missing.
func requirementStatus(raw string, hasValue bool) providers.RequirementStatus {
	switch strings.ToLower(raw) {
	case "approved", "accepted", "met", "completed":
		return providers.RequirementMet
	case "rejected", "declined", "exception", "requirement-info-exception":
		return providers.RequirementRejected
	case "under-review", "under_review", "in-review", "requirement-info-under-review":
		return providers.RequirementUnderReview
	}
	if hasValue {
		return providers.RequirementUnderReview
	}
	return providers.RequirementMissing
}

func toRequirement(w wireRequirement) providers.Requirement {
	vt := "TEXT"
	if strings.EqualFold(w.FieldType, "document") {
		vt = "DOCUMENT"
	}
	return providers.Requirement{
		TypeID: w.RequirementType.ID, Name: w.RequirementType.Name, Description: w.RequirementType.Description,
		ValueType: vt, Status: requirementStatus(w.RequirementStatus, s(w.FieldValue) != ""), ProviderStatus: w.RequirementStatus,
	}
}

// withDetails fills the order's requirements (while it is open) and allowed
// FOC windows (while it can take a requested FOC time: focWindowsOpen),
// fetching both concurrently. Either call failing fails
// the read: a half-filled order would look like "nothing required".
func (p *Provider) withDetails(ctx context.Context, o *providers.PortOrder) (*providers.PortOrder, error) {
	wantReqs := o.State != providers.StateCompleted && o.State != providers.StateCancelled
	wantFOC := focWindowsOpen(o.State)
	var (
		wg               sync.WaitGroup
		reqErr, focErr   error
		reqRaws, focRaws []json.RawMessage
	)
	if wantReqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reqRaws, reqErr = p.all(ctx, orderPath(o.ID)+"/requirements", nil, orderCtx("list port order requirements"))
		}()
	}
	if wantFOC {
		wg.Add(1)
		go func() {
			defer wg.Done()
			focRaws, focErr = p.all(ctx, orderPath(o.ID)+"/allowed_foc_windows", nil, orderCtx("list allowed FOC windows"))
		}()
	}
	wg.Wait()
	if reqErr != nil {
		return nil, reqErr
	}
	if focErr != nil {
		return nil, focErr
	}
	for _, raw := range reqRaws {
		var w wireRequirement
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: http.StatusOK,
				Message: "undecodable port order requirement", Err: err}
		}
		o.Requirements = append(o.Requirements, toRequirement(w))
	}
	for _, raw := range focRaws {
		var w wireFOCWindow
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: http.StatusOK,
				Message: "undecodable allowed FOC window", Err: err}
		}
		start, end := parseTime(w.StartedAt), parseTime(w.EndedAt)
		if start.IsZero() || end.IsZero() || end.Before(start) {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: http.StatusOK,
				Message: "allowed FOC window without a valid started_at/ended_at"}
		}
		o.AllowedFOCWindows = append(o.AllowedFOCWindows, providers.TimeWindow{Start: start, End: end})
	}
	return o, nil
}

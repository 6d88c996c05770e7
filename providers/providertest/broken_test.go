package providertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/portgate/portgate/providers"
)

// brokenProvider is memProvider with deliberate driver bugs the suite must
// catch: overlapping list pages (an order listed twice) and a lookup of an
// unknown number that answers a foreign error instead of NotFound.
type brokenProvider struct{ *memProvider }

func (b brokenProvider) ListPortOrders(ctx context.Context, f providers.PortOrderFilter, q providers.ListQuery) (*providers.PortOrderPage, error) {
	if off, err := providers.ParseOffsetCursor(memName, q.Cursor); err == nil && off > 0 {
		q.Cursor = providers.OffsetCursor(off - 1) // overlap: the last order of the previous page again
	}
	return b.memProvider.ListPortOrders(ctx, f, q)
}

func (b brokenProvider) GetNumber(ctx context.Context, n string) (*providers.Number, error) {
	num, err := b.memProvider.GetNumber(ctx, n)
	if providers.ErrorCode(err) == providers.CodeNotFound {
		return nil, context.DeadlineExceeded // wrong code for "not on the account"
	}
	return num, err
}

const brokenEnv = "PORTGATE_PROVIDERTEST_BROKEN"

// TestBrokenProviderInner runs the suite against brokenProvider. It runs
// only in the sub-process TestSuiteFailsOnBrokenProvider starts, where it
// is expected to FAIL.
func TestBrokenProviderInner(t *testing.T) {
	if os.Getenv(brokenEnv) != "1" {
		t.Skip("runs only inside TestSuiteFailsOnBrokenProvider")
	}
	RunConformanceTests(t, func(context.Context, *testing.T) (Harness, error) {
		m := newMemProvider()
		return brokenHarness{memHarness{p: m}, brokenProvider{m}}, nil
	})
}

type brokenHarness struct {
	memHarness
	b brokenProvider
}

func (h brokenHarness) Provider() providers.Provider { return h.b }

// TestSuiteFailsOnBrokenProvider shows the suite can fail: it runs the
// suite against a deliberately broken driver in a sub-process and asserts
// that the cases covering each bug fail, and the process exits non-zero.
func TestSuiteFailsOnBrokenProvider(t *testing.T) {
	if os.Getenv(brokenEnv) == "1" {
		t.Skip("inside the sub-process")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenProviderInner$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), brokenEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the conformance suite passed against a broken provider:\n%s", out)
	}
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("running the sub-process: %v", err)
	}
	for _, want := range []string{
		"--- FAIL: TestBrokenProviderInner/PaginationConsistency",
		"listed 2 times in one walk",
		"--- FAIL: TestBrokenProviderInner/SeededNumber",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("sub-process output lacks %q:\n%s", want, out)
		}
	}
	// A correct case still passes against the broken driver.
	if !strings.Contains(string(out), "--- PASS: TestBrokenProviderInner/SeededState") {
		t.Errorf("SeededState did not pass against the broken driver:\n%s", out)
	}
}

package resilience

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// metricValue reads one counter or gauge value (0 when absent).
func metricValue(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 1)
	go func() { c.Collect(ch); close(ch) }()
	var v float64
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err == nil {
			switch {
			case pb.Counter != nil:
				v += pb.Counter.GetValue()
			case pb.Gauge != nil:
				v += pb.Gauge.GetValue()
			}
		}
	}
	return v
}

package providers

import (
	"context"
	"slices"
	"strings"
)

// NumberType is the neutral kind of a number (Number and AvailableNumber).
// The values match portgate.v1.NumberType.
type NumberType int

const (
	NumberTypeUnspecified NumberType = iota
	NumberTypeLocal
	NumberTypeTollFree
	NumberTypeMobile
	NumberTypeNational
	NumberTypeSharedCost
)

var numberTypeNames = [...]string{"NUMBER_TYPE_UNSPECIFIED", "LOCAL", "TOLL_FREE", "MOBILE", "NATIONAL", "SHARED_COST"}

func (t NumberType) String() string {
	if int(t) >= 0 && int(t) < len(numberTypeNames) {
		return numberTypeNames[t]
	}
	return numberTypeNames[0]
}

// NumberFeature is a neutral capability of a number. The values match
// portgate.v1.NumberFeature.
type NumberFeature int

const (
	NumberFeatureUnspecified NumberFeature = iota
	NumberFeatureVoice
	NumberFeatureSMS
	NumberFeatureMMS
	NumberFeatureFax
	NumberFeatureEmergency
)

var numberFeatureNames = [...]string{"NUMBER_FEATURE_UNSPECIFIED", "VOICE", "SMS", "MMS", "FAX", "EMERGENCY"}

func (f NumberFeature) String() string {
	if int(f) >= 0 && int(f) < len(numberFeatureNames) {
		return numberFeatureNames[f]
	}
	return numberFeatureNames[0]
}

// NumberState is the neutral state of a number on an account. The values
// match portgate.v1.NumberState; Number.Status keeps the raw value.
type NumberState int

const (
	NumberStateUnspecified NumberState = iota
	NumberStateActive
	NumberStatePurchasePending
	NumberStatePurchaseFailed
	NumberStatePortPending
	NumberStatePortFailed
	NumberStatePortOutPending
	NumberStatePortedOut
	NumberStateEmergencyOnly
	NumberStateProvisionPending
	NumberStateReleased
)

// Price is an amount exactly as the provider reported it.
type Price struct {
	Amount   string // decimal, e.g. "1.25"
	Currency string // ISO 4217; "" when the provider does not say
}

// NumberDetails are the descriptive parts of a number, filled where the
// provider reports them. It is embedded in Number.
type NumberDetails struct {
	State              NumberState
	Type               NumberType
	RegionCode         string // ISO 3166-1 alpha-2
	AdministrativeArea string // upper case, e.g. "IL"
	RateCenter         string
	Locality           string
	Features           []NumberFeature
	MonthlyCost        Price
	SetupCost          Price
}

// Search filter names: the neutral request fields of SearchAvailableNumbers
// a driver declares it can express (AvailableNumberSearcher.SearchFilters).
const (
	SearchFilterAreaCode           = "area_code"
	SearchFilterStartsWith         = "starts_with"
	SearchFilterContains           = "contains"
	SearchFilterEndsWith           = "ends_with"
	SearchFilterLocality           = "locality"
	SearchFilterRateCenter         = "rate_center"
	SearchFilterAdministrativeArea = "administrative_area"
	SearchFilterNumberType         = "number_type"
	SearchFilterFeatures           = "features"
)

// MaxSearchResults is the most numbers one search returns.
const MaxSearchResults = 100

// DefaultSearchResults is the number of results when none is asked for.
const DefaultSearchResults = 20

// AvailableNumberQuery is a search of a provider's inventory. Digits fields
// hold digits only; StartsWith is the national number's start, area code
// included (it begins with AreaCode when both are set).
type AvailableNumberQuery struct {
	RegionCode         string // ISO 3166-1 alpha-2, required
	AreaCode           string
	StartsWith         string
	Contains           string
	EndsWith           string
	Locality           string
	RateCenter         string
	AdministrativeArea string
	NumberType         NumberType
	Features           []NumberFeature
	Limit              int // 1..MaxSearchResults
}

// Used lists the filters q sets, in a stable order.
func (q AvailableNumberQuery) Used() []string {
	var out []string
	add := func(set bool, name string) {
		if set {
			out = append(out, name)
		}
	}
	add(q.AreaCode != "", SearchFilterAreaCode)
	add(q.StartsWith != "", SearchFilterStartsWith)
	add(q.Contains != "", SearchFilterContains)
	add(q.EndsWith != "", SearchFilterEndsWith)
	add(strings.TrimSpace(q.Locality) != "", SearchFilterLocality)
	add(strings.TrimSpace(q.RateCenter) != "", SearchFilterRateCenter)
	add(q.AdministrativeArea != "", SearchFilterAdministrativeArea)
	add(q.NumberType != NumberTypeUnspecified, SearchFilterNumberType)
	add(len(q.Features) > 0, SearchFilterFeatures)
	return out
}

// AvailableNumber is one number a provider offers for purchase.
type AvailableNumber struct {
	PhoneNumber        string // E.164; the provider's raw form when PhoneNumberInvalid
	RawPhoneNumber     string
	PhoneNumberInvalid bool
	NumberType         NumberType
	ProviderNumberType string // raw
	RegionCode         string
	AdministrativeArea string
	Locality           string
	RateCenter         string
	Features           []NumberFeature
	ProviderFeatures   []string // raw features with no neutral value
	UpfrontCost        Price
	MonthlyCost        Price
	BestEffort         bool
	// ProviderAttributes are provider fields with no neutral home, as text.
	ProviderAttributes map[string]string
}

// SearchSupport declares what a provider's inventory search can express.
type SearchSupport struct {
	// Filters lists the Search* filters the provider can express.
	Filters []string
	// NumberTypes lists the types the number_type filter accepts.
	NumberTypes []NumberType
	// Features lists the features the features filter accepts.
	Features []NumberFeature
}

// AvailableNumberSearcher is implemented by providers that search their
// inventory of numbers for sale (OpSearchAvailableNumbers).
type AvailableNumberSearcher interface {
	// SearchSupport declares the filters; the portable client refuses a
	// query using any other one before the call.
	SearchSupport() SearchSupport
	// SearchAvailableNumbers returns at most q.Limit numbers, never one
	// already on the account.
	SearchAvailableNumbers(ctx context.Context, q AvailableNumberQuery) ([]*AvailableNumber, error)
}

// Unsupported returns the filters q uses that s cannot express (a filter
// whose value s does not accept counts as unsupported).
func (s SearchSupport) Unsupported(q AvailableNumberQuery) []string {
	var out []string
	for _, f := range q.Used() {
		if !slices.Contains(s.Filters, f) {
			out = append(out, f)
			continue
		}
		switch f {
		case SearchFilterNumberType:
			if !slices.Contains(s.NumberTypes, q.NumberType) {
				out = append(out, f)
			}
		case SearchFilterFeatures:
			for _, x := range q.Features {
				if !slices.Contains(s.Features, x) {
					out = append(out, f)
					break
				}
			}
		}
	}
	return out
}

package flowroute

import "github.com/portgate/portgate/providers"

// portInMissing lists the issue 14 port-in operations Flowroute does not
// offer (PROVIDER_CAPABILITY_MISSING):
//   - ReschedulePortOrder: Flowroute documents desired_completion_date only
//     as an order detail, and details may be changed in pending and
//     rejected only (reference §2.1 "Update details"); after submission
//     (processing, submitted, accepted) no API changes the date — a new
//     date goes through support. Before submission UpdatePortOrder's
//     requested_foc_time does it.
//   - ActivatePortOrder: Flowroute has no on-demand activation; numbers go
//     live when the order completes.
//   - SupplyPortOrderRequirements: Flowroute orders list no requirements;
//     documents are uploaded with CreatePortOrderDocument.
func portInMissing(op providers.Operation) bool {
	switch op {
	case providers.OpReschedulePortOrder, providers.OpActivatePortOrder, providers.OpSupplyPortOrderRequirements:
		return true
	}
	return false
}

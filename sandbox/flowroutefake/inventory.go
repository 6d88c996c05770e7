package flowroutefake

// AvailableNumbers are numbers POST /v2/numbers/{id} can buy besides the
// seeded search inventory (search.go: what GET /v2/numbers/available
// offers); each can be bought once, a released number does not come back. Any other number answers 404 in the untitled envelope Flowroute
// documents for a number that is not there. The number ending in 9903
// (scenarios.SuffixMessagingFails) is bought with a 207 when messaging is
// requested. The README tour buys from this list.
var AvailableNumbers = []string{
	"+13125550200", "+13125550201", "+13125550202", "+13125550203",
	"+12065550200", "+12065550201", "+13125559903",
}

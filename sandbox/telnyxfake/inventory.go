package telnyxfake

// AvailableNumbers are numbers POST /v2/number_orders can buy besides the
// seeded search inventory (search.go: what GET /v2/available_phone_numbers
// offers); each can be bought once (a bought number leaves the inventory, a
// released one does not come back). Any other number is
// refused with 422 (code 10015, pointer /phone_numbers/{i}/phone_number).
// The README tour buys from this list.
var AvailableNumbers = []string{
	"+13125550300", "+13125550301", "+13125550302", "+13125550303",
	"+12065550300", "+12065550301", "+18885550300",
}

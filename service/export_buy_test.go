package service

// RequestHashForTest lets service_test seed an idempotency claim the way a
// crashed process leaves it (crash-recovery tests).
var RequestHashForTest = requestHash

// Package portgate holds repository-level assets shared by the binaries.
package portgate

import _ "embed"

// OpenAPI is the generated OpenAPI (Swagger 2.0) description of the REST API,
// served at /openapi.json.
//
//go:embed gen/openapi/portgate.swagger.json
var OpenAPI []byte

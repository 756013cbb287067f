# The plan a policy checks: Terraform Cloud's OPA policy sets pass it as
# input.plan, and `terraform show -json PLANFILE` output is the input itself.
package auth0keys.plan

import rego.v1

doc := input.plan if input.plan

else := input

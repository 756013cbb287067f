package management

import "time"

// SetListGatherWindow changes how long c's shared list requests wait for
// readers to join, for tests that must tell that wait from the token's.
func SetListGatherWindow(c *Client, d time.Duration) { c.listGather = d }

package checkpoint

import "github.com/cqlscan/cqlscan/executor/agg"

// encode and decode write a partial aggregate's value as text and read it back exactly, with the
// codec of the aggregate states (agg.EncodeValue, agg.DecodeValue): one codec for every saved value.
var (
	encode = agg.EncodeValue
	decode = agg.DecodeValue
)

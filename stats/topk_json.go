package stats

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

type topKJSON struct {
	Capacity int         `json:"capacity"`
	Limit    int         `json:"limit,omitempty"`
	N        int64       `json:"n"`
	Pruned   bool        `json:"pruned"`
	MaxError int64       `json:"max_error"`
	Dropped  bool        `json:"dropped"`
	Entries  []entryJSON `json:"entries"`
}

// entryJSON holds a value as text when it is valid UTF-8, else as base64.
type entryJSON struct {
	Key    uint64 `json:"key"`
	Count  int64  `json:"count"`
	Value  string `json:"value,omitempty"`
	Base64 []byte `json:"value_b64,omitempty"`
}

// MarshalJSON encodes every counter, sorted by count then key.
func (t *TopK) MarshalJSON() ([]byte, error) {
	out := topKJSON{Capacity: t.Capacity, Limit: t.Limit, N: t.N, Pruned: t.Pruned, MaxError: t.MaxError,
		Dropped: t.Dropped, Entries: []entryJSON{}}
	for _, e := range t.Entries() {
		j := entryJSON{Key: e.Key, Count: e.Count}
		if utf8.Valid(e.Value) {
			j.Value = string(e.Value)
		} else {
			j.Base64 = e.Value
		}
		out.Entries = append(out.Entries, j)
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes counters written by MarshalJSON.
func (t *TopK) UnmarshalJSON(data []byte) error {
	var in topKJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	if in.Capacity <= 0 {
		return fmt.Errorf("top-k capacity %d", in.Capacity)
	}
	if in.Limit < 0 {
		return fmt.Errorf("top-k limit %d", in.Limit)
	}
	*t = *NewTopK(in.Capacity)
	t.Limit = in.Limit
	t.Pruned, t.MaxError, t.Dropped = in.Pruned, in.MaxError, in.Dropped
	// Room for half again as many: a decoded summary is mostly looked up
	// (drift joins two), and lookups that miss probe less in a table at
	// most half full.
	t.index.reserve(len(in.Entries) * 3 / 2)
	for _, e := range in.Entries {
		v := e.Base64
		if v == nil && e.Value != "" {
			v = []byte(e.Value)
		}
		if e.Count <= 0 || !t.CountBytes(e.Key, v, e.Count) {
			return fmt.Errorf("top-k entry %d repeated or not positive", e.Key)
		}
	}
	t.N = in.N
	t.sorted = t.inEntriesOrder()
	return nil
}

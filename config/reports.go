package config

// checkDraftTo checks that reports.draft_to names people.
func (c *Config) checkDraftTo(v *validator) {
	if c.Directory == nil {
		return
	}
	for i, id := range c.Reports.DraftTo {
		if _, ok := c.Directory.Person(id); !ok {
			v.fail([]any{"reports", "draft_to", i}, "%q is not a person id", id)
		}
	}
}

package demo

// ConfigYAML is the demo's refit.yaml: data in "data", the workspace in
// "workspace", both relative to the file.
func ConfigYAML() string { return configYAML }

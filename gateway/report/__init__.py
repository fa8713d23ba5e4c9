"""The audit evidence report: renderers for the data the report gatherer collects."""

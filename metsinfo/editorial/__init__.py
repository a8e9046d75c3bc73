"""The editors' desk: admin, preview, revision history, readability figures and clinical review links."""

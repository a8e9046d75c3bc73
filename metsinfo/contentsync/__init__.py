"""content/ <-> database: parse the Markdown files, plan and apply the changes (load_content), export_content."""

"""What is handed on: the non-isolating narrative, its Markdown, PDF and sealed JSON, and opening a
file again (seal, replay under the rules it was made with)."""

"""Streamlit pages and widgets only: no business logic (that lives in screening/)."""

"""Reading what people type: the lenient parser and the text analysis it shares with the index (no Django here)."""

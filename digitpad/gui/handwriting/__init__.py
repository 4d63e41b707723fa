"""The My handwriting tab: collect your own digits, review them, fine-tune on them."""

"""Pages that combine several features (the top floor, above the features)."""

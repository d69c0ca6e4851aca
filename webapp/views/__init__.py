"""Pages of govflow; thin: input through forms, writes through services, reads through selectors."""

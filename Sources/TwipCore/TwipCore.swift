// TwipCore module.

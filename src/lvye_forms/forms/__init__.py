"""Form models, one module per service area. Importing a module registers its forms."""

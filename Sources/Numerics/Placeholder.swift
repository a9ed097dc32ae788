enum _NumericsPlaceholder {}

"""Contracts' pages, one module per feature: the register of contracts with their lots, companies and
amendments (marches), companies (entreprises), EU thresholds (seuils), DECP and register imports and the DECP
export (imports); `etat` tells the user what a write changed in a contract's derived state."""

"""Clauses' pages, one module per feature: the index and purchase families (familles), the model-clause
library (clausier), a contract's clauses (clauses_marche), the advisor (conseil), self-diagnosis
(diagnostics); `base` holds the lookups and history they share."""

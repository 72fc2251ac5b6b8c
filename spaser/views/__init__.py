"""The SPASER's pages, one module per feature: the scheme itself (schema), its axes, objectives and indicators
(axes_objectifs), actions, strategic documents, the internal forecast of purchases (programmation), the
evaluation, and the public site (public). `base` holds the roles and the generic create / update / delete."""

"""The performance benchmark (docs/performance.md): a synthetic dataset, the measurements and their floors.

``python manage.py benchmark`` builds the dataset into a throwaway database (see ``database``),
then measures each figure (``measure``) against the least work any implementation could do
(``floor``).
"""

"""Command pages: the dashboard (Dasbor) and the monthly recap (Rekap Bulanan).

periods.py parses the period, figures.py runs the few aggregate queries, coverage.py
turns them into village rows (shared by both pages), pages.py builds the dashboard
section by section and the recap, links.py builds the URLs of the lists behind
every figure, charts.py turns numbers into bar geometry, views.py renders;
transparency.py feeds the public home page.
"""

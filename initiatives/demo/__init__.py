"""The demo data: the plan as the two source documents describe it, plus illustrative content.

`reference` holds the members, focus areas, sources, the plan round and the staff accounts;
`plan` the initiatives, cooperation projects and every published figure; `tasks` the key tasks;
`fixture` turns them into the rows of fixtures/demo.json. Anything the documents do not state
is marked illustrative and cites the illustrative source, never a real one.
"""

from datetime import date

# The day the demo describes: no report is dated after it, and the schedule positions of the
# illustrative items (ahead, on schedule, behind, overdue) are chosen relative to it.
DEMO_DATE = date(2026, 11, 20)

# /reporting: who has sent the figures of which KPIs for this period.
rep-title = Reporting status
rep-intro = For each organisation, the figure each of its KPIs owes for its latest ended period (a month, a quarter or a year, as the KPI is measured): sent, overdue, or not yet due. A figure counts as sent once submitted, before it is validated and published.
rep-none = No KPI owes a figure yet.
rep-summary-caption = Figures for this period, by organisation
rep-figures-caption = Each KPI's figure for its latest period
rep-sent = Sent
rep-share = Share sent
rep-organisation = Organisation

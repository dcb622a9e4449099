# Public pages: strings added with the rebuild of the public pages.
roadmap-by-year = Milestones by year

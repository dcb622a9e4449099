# Public pages: strings added with the rebuild of the public pages.
roadmap-by-year = Milestones by year

# Long lists a page at a time.
pager-label = Pages of the list
pager-previous = Previous page
pager-next = Next page
pager-position = Page { $page } of { $pages }
pager-none = Nothing matches these filters.
pager-page = page
pager-services = Services { $first }–{ $last } of { $total }
services-in-catalogue = { $total } in the whole catalogue
pager-organisations = Organisations { $first }–{ $last } of { $total }
pager-once-only = Rows { $first }–{ $last } of { $total }
pager-rows = Rows { $first }–{ $last } of { $total }
priorities-drawn = The chart draws the { $shown } highest priorities of { $total }.

/* The staff admin for keyboard and screen-reader users, on top of Django's admin scripts.

   Loaded with `defer` on every admin page (templates/admin/base_site.html): it runs once the
   page is parsed, after Django's scripts in the head have defined their objects, and before
   the window's load event, on which Django's date and time shortcuts set themselves up. The
   content security policy allows no inline script, so everything is here.

   Overrides of Django's private behaviour (Django 5.2, re-check each on an upgrade; what each
   guarantees is in docs/admin.md and tests/test_admin_axe.py checks it):

   1. DateTimeShortcuts.addTimezoneWarning does nothing. Django warned "You are 8 hours behind
      server time" under every date field of a laptop set to another zone; the tracker's
      dates are plain days of the plan's region, and "Today" already is the region's day
      (DateTimeShortcuts.now() uses the server's offset, which is the region's).
   2. DateTimeShortcuts.addCalendar and addClock append their popup to the end of <body>, a
      dozen tabs from the field; it is moved to just after the field's shortcuts, so that it
      comes next in the tab order. openCalendar and openClock place the popup by page
      coordinates; they are placed again for the popup's new parent. Escape, which Django
      makes close every popup, also brings the focus back to the link that opened it.
   3. $.fn.djangoAdminSelect2 (autocomplete.js): select2 names its combobox by the chosen
      value alone, so an empty one had no name ("combobox"), and the search box of a
      multiple choice had none; both are named by the field's label as well.
   4. SelectFilter2 (the two lists of a many-to-many choice) puts aria-label on a plain <span>,
      its filter icon, where ARIA does not allow it: the span becomes an image of that name,
      which also names the filter box. It renames the field's <select> to "<id>_from", which
      left the field's own label pointing at nothing: it labels the filter box now.
*/
'use strict';
{
    const Shortcuts = window.DateTimeShortcuts;

    if (Shortcuts) {
        Shortcuts.addTimezoneWarning = function() {};

        const popups = new WeakMap();  // field -> its popup, to drop it when Django redraws
        const keepBesideField = function(field, popup, opener) {
            const previous = popups.get(field);
            if (previous && previous !== popup) {
                previous.remove();
            }
            popups.set(field, popup);
            field.nextElementSibling.after(popup);
            popup.addEventListener('keyup', function(event) {
                if (event.key === 'Escape') {
                    document.getElementById(opener).focus();
                }
            });
        };

        const addCalendar = Shortcuts.addCalendar;
        Shortcuts.addCalendar = function(field) {
            addCalendar.call(this, field);
            const num = Shortcuts.calendars.length - 1;
            keepBesideField(
                field,
                document.getElementById(Shortcuts.calendarDivName1 + num),
                Shortcuts.calendarLinkName + num
            );
        };
        const addClock = Shortcuts.addClock;
        Shortcuts.addClock = function(field) {
            addClock.call(this, field);
            const num = Shortcuts.clockInputs.length - 1;
            keepBesideField(
                field,
                document.getElementById(Shortcuts.clockDivName + num),
                Shortcuts.clockLinkName + num
            );
        };

        // Django set left and top in page coordinates; make them the same place in the
        // coordinates of the popup's positioned ancestor, if it has one now.
        const placeAgain = function(popup) {
            const parent = popup.offsetParent;
            if (!parent || parent === document.body || parent === document.documentElement) {
                return;
            }
            const box = parent.getBoundingClientRect();
            const left = box.left + window.scrollX + parent.clientLeft - parent.scrollLeft;
            const top = box.top + window.scrollY + parent.clientTop - parent.scrollTop;
            popup.style.left = parseFloat(popup.style.left) - left + 'px';
            popup.style.top = parseFloat(popup.style.top) - top + 'px';
        };
        const openCalendar = Shortcuts.openCalendar;
        Shortcuts.openCalendar = function(num) {
            openCalendar.call(this, num);
            placeAgain(document.getElementById(Shortcuts.calendarDivName1 + num));
        };
        const openClock = Shortcuts.openClock;
        Shortcuts.openClock = function(num) {
            openClock.call(this, num);
            placeAgain(document.getElementById(Shortcuts.clockDivName + num));
        };
    }

    const labelOf = function(field) {
        const label = field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
        const text = label ? label.textContent : field.getAttribute('aria-label') || '';
        return text.trim().replace(/[:：]$/, '');
    };

    const $ = window.django && window.django.jQuery;
    if ($ && $.fn.djangoAdminSelect2) {
        const nameBoxes = function(index, select) {
            const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
            if (!label) {
                return;
            }
            label.id = label.id || `${select.id}_label`;
            const container = select.nextElementSibling;
            const rendered = container.querySelector('.select2-selection__rendered[id]');
            const names = rendered ? `${label.id} ${rendered.id}` : label.id;
            container.querySelector('.select2-selection').setAttribute('aria-labelledby', names);
            if (rendered) {
                rendered.setAttribute('aria-labelledby', names);
            }
            const search = container.querySelector('.select2-search__field');
            if (search) {
                search.setAttribute('aria-labelledby', label.id);
            }
        };
        const djangoAdminSelect2 = $.fn.djangoAdminSelect2;
        $.fn.djangoAdminSelect2 = function() {
            djangoAdminSelect2.call(this);
            return this.each(nameBoxes);
        };
    }

    window.addEventListener('load', function() {
        for (const icon of document.querySelectorAll('.selector .search-label-icon[aria-label]')) {
            icon.setAttribute('role', 'img');
        }
        for (const available of document.querySelectorAll('.selector select[id$="_from"]')) {
            const id = available.id.slice(0, -'_from'.length);
            const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
            if (label && !document.getElementById(id)) {
                label.htmlFor = `${id}_input`;
            }
        }

        // Django's tabular inlines leave the header of the record's own column empty, and
        // that of the delete column when nothing may be deleted, as django-import-export's
        // preview does for its column of "New" and "Update": a header that names nothing is
        // a plain cell.
        for (const header of document.querySelectorAll('#content thead th')) {
            if (!header.textContent.trim() && !header.querySelector('img, input')) {
                const cell = document.createElement('td');
                cell.className = header.className;
                header.replaceWith(cell);
            }
        }

        // A failed save: the summary is announced and focused (Django's add form focused
        // its first field, on load too, but earlier), and lists each field in error with a
        // link to it.
        const summary = document.querySelector('.errornote');
        if (!summary) {
            return;
        }
        summary.setAttribute('role', 'alert');
        summary.tabIndex = -1;
        const invalid = document.querySelectorAll('[aria-invalid="true"]');
        const colon = document.documentElement.lang.startsWith('zh') ? '：' : ': ';
        if (invalid.length) {
            const list = document.createElement('ul');
            list.className = 'error-summary';
            for (const field of [...invalid].filter((each) => each.id)) {
                const row = field.closest('.inline-group tr.form-row');
                const group = row && row.closest('.inline-group').querySelector('h2');
                const number = row && Number(row.id.split('-').pop()) + 1;
                const where = row ? `${group.textContent.trim()} ${number}${colon}` : '';
                const error = document.getElementById(`${field.id}_error`);
                const link = document.createElement('a');
                link.href = `#${field.id}`;
                const message = error ? error.textContent.trim() : '';
                link.textContent = `${where}${labelOf(field)}${colon}${message}`;
                link.addEventListener('click', function(event) {
                    event.preventDefault();
                    const select2 = field.classList.contains('select2-hidden-accessible')
                        && field.nextElementSibling.querySelector('.select2-selection');
                    (select2 || field).focus();
                });
                const item = document.createElement('li');
                item.append(link);
                list.append(item);
            }
            summary.after(list);
        }
        summary.focus();
    });
}

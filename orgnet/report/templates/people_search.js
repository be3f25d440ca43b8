  // Search across everyone, shared by map.html and map_webgl.html: people.js (loaded on demand)
  // gives each person's name, id and map page; findPerson returns their index or -1.
  var people = null;
  function loadPeople(then) {
    if (window.orgnetPeople) { people = window.orgnetPeople; then(); return; }
    if (!data.peopleIndex) { then(); return; }
    var s = document.createElement("script");
    s.src = data.peopleIndex;
    s.onload = function () { people = window.orgnetPeople || null; then(); };
    s.onerror = function () { then(); };
    document.head.appendChild(s);
  }
  function findPerson(q) {
    q = String(q || "").trim().toLowerCase();
    if (!q || !people) { return -1; }
    var N = people.names.length, i;
    for (i = 0; i < N; i++) { if (people.names[i].toLowerCase() === q || people.ids[i].toLowerCase() === q) { return i; } }
    for (i = 0; i < N; i++) { if (people.names[i].toLowerCase().indexOf(q) >= 0) { return i; } }
    return -1;
  }
